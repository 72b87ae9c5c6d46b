// The build goes to dist/ under fixed names: the server compiles dist/index.html, app.js and
// app.css into the binary (spec-interp/src/cli/serve.rs).
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: {
      output: {
        entryFileNames: "app.js",
        assetFileNames: "app[extname]",
        chunkFileNames: "app-[name].js",
      },
    },
  },
});
