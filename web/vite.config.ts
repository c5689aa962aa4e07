// The console is built into a directory the switchboard binary embeds
// (crates/console/build.rs passes --outDir). `npm run dev` serves it with
// hot reload and sends /api to a Switchboard running on port 8080.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
