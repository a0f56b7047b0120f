export function App() {
  return (
    <main>
      <h1>Account Data Inspector</h1>
      <label>
        Homeserver <input name="homeserver" />
      </label>
    </main>
  );
}
