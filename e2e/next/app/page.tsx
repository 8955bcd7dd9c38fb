export default function Home() {
  return <h1>Pick a route</h1>
}
