import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const web = fileURLToPath(new URL("./web", import.meta.url));

// The page, built once at build time into dist/web: plain modules and a stylesheet, no inline
// script or style (the server's Content-Security-Policy has no 'unsafe-inline').
export default defineConfig({
  root: web,
  base: "/",
  build: {
    outDir: fileURLToPath(new URL("./dist/web", import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: "es2022",
    rollupOptions: {
      input: { index: `${web}/index.html`, login: `${web}/login.html` },
    },
  },
});
