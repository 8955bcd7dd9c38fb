// Custom fields from a CMS author's data attribute reach MoonClerk's checkout frame, with the
// careful stand-in and with one that concatenates values raw, as MoonClerk's published embed.js does.
import { expect, test } from './helpers'

for (const [page_, mode] of [
  ['/e2e/fields.html', 'careful'],
  ['/e2e/fields-published.html', 'published'],
] as const)
  test(`data-moonclerk-fields reaches the checkout frame (${mode} embed.js); several checkbox values: the last, and a warning`, async ({
    page,
  }) => {
    const warnings: string[] = []
    page.on('console', (message) => message.type() == 'warning' && warnings.push(message.text()))
    await page.goto(page_)
    const frame = page.locator('#pay iframe')
    await expect(frame).toHaveCount(1)
    const query = new URL((await frame.getAttribute('src'))!).searchParams
    expect([
      query.get('cid'),
      query.get('fields[hat_size]'),
      query.get('fields[address][line1]'),
      query.get('fields[address][country_code]'),
    ]).toEqual(['234', 'L', '123 Main St', 'US'])
    expect(query.getAll('fields[interests][]')).toEqual(['music'])
    expect(warnings).toEqual([
      '[moonclerk-checkout] <div#pay> (form 8h7frjfytj): fields (data-moonclerk-fields): fields[interests][] has several values: the embedded checkout gets the last, "music"; the link carries them all',
    ])
  })
