// Shared vitest setup. Component tests opt into jsdom with `// @vitest-environment jsdom`.
import 'fake-indexeddb/auto';
