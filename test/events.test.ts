// onError(): moonclerk:error events that fired before the page's listener existed are not lost.
import { expect, test, vi } from 'vitest'
import { onError } from '../src/events'
import { mount } from '../src/mount'
import { captureScripts, EMBED_SRC, fail, html, settle } from './helpers'

test('onError hears the errors dispatched before it subscribed, once each and in order, then every later one; unsubscribing stops it', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
  html(
    '<div id="a" data-moonclerk-checkout="a1"></div><div id="b" data-moonclerk-checkout="bad token"></div><div id="c" data-moonclerk-checkout="c3"></div>',
  )
  mount('#a')
  mount('#b')
  fail(scripts[0])
  await settle()
  const heard: string[] = []
  const stop = onError((detail) => heard.push(`${detail.token}:${detail.reason}`))
  expect(heard).toStrictEqual([])
  await settle()
  expect(heard).toStrictEqual(['bad token:invalid-config', 'a1:script-load'])
  mount('#c')
  fail(scripts[1])
  await settle()
  expect(heard).toStrictEqual(['bad token:invalid-config', 'a1:script-load', 'c3:script-load'])
  stop()
  document.body.insertAdjacentHTML('beforeend', '<div id="d" data-moonclerk-checkout="bad!"></div>')
  mount('#d')
  await settle()
  expect(heard).toHaveLength(3)
  delete window.MoonClerkCheckoutConfig
})

test('an onError that unsubscribes before the replay hears nothing', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  html('<div id="b" data-moonclerk-checkout="bad token"></div>')
  mount('#b')
  await settle()
  const listener = vi.fn()
  onError(listener)()
  await settle()
  expect(listener).not.toHaveBeenCalled()
})
