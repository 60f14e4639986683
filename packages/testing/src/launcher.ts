#!/usr/bin/env node
// falco-test-launcher (the package's bin). This path, dist/launcher.js, is the one the Python,
// Go and Rust test kits run and FALCO_TEST_LAUNCHER names: it stays; the program is launcher/main.ts.
import "./launcher/main.js";
