#!/usr/bin/env node
// A native-solc command line on top of solc-js (npm `solc`, WebAssembly).
//
// No native compiler can be downloaded where this project builds, so Ape (py-solc-x) and slither
// (crytic-compile) run this script in its place. It speaks the subset of the native CLI they use:
//
//   solc --version
//   solc --standard-json [--base-path P] [--include-path P]... [--allow-paths P,...]   (JSON on stdin/stdout)
//   solc --combined-json abi,bin,... [--base-path P] [--allow-paths P] [remapping=target]... file.sol...
//
// Imports are read from the base path, the include paths and the remapped folders. The script does not
// enforce --allow-paths (solc-js has no file system access of its own; every read goes through `findImport`).
//
// Output is written with fs.writeSync: process.stdout.write followed by an exit truncates pipes at 64 KiB.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function writeOut(text) {
  const buffer = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(1, buffer, offset, buffer.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
    }
  }
}

function fail(message) {
  fs.writeSync(2, `Error: ${message}\n`);
  process.exit(1);
}

function nativeVersion() {
  // solc-js reports "0.8.37+commit.f401782d.Emscripten.clang"; py-solc-x expects a native build's line.
  return solc.version().replace(/\.Emscripten\.clang$/, ".Linux.g++");
}

function parseArgs(argv) {
  const options = { basePath: null, includePaths: [], remappings: [], files: [], mode: null, combined: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--version") options.mode = "version";
    else if (arg === "--standard-json") options.mode = "standard-json";
    else if (arg === "--combined-json") {
      options.mode = "combined-json";
      options.combined = value().split(",");
    } else if (arg === "--base-path") options.basePath = value();
    else if (arg === "--include-path") options.includePaths.push(value());
    else if (arg === "--allow-paths") value();
    else if (arg.startsWith("--")) {
      // Flags without effect here (--optimize, --no-color, ...): accepted for compatibility.
      if (arg === "--optimize-runs" || arg === "--evm-version") value();
    } else if (arg.includes("=")) options.remappings.push(arg);
    else options.files.push(arg);
  }
  return options;
}

function importReader(options) {
  const roots = [options.basePath || process.cwd(), ...options.includePaths];
  return function findImport(importPath) {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function compile(input, options) {
  return solc.compile(typeof input === "string" ? input : JSON.stringify(input), { import: importReader(options) });
}

function standardJson(options) {
  const input = fs.readFileSync(0, "utf8");
  writeOut(compile(input, options));
}

// --combined-json for crytic-compile: translate to standard JSON, then back to the legacy shape.
const COMBINED_SELECTION = {
  abi: ["abi"],
  bin: ["evm.bytecode.object"],
  "bin-runtime": ["evm.deployedBytecode.object"],
  srcmap: ["evm.bytecode.sourceMap"],
  "srcmap-runtime": ["evm.deployedBytecode.sourceMap"],
  userdoc: ["userdoc"],
  devdoc: ["devdoc"],
  hashes: ["evm.methodIdentifiers"],
  metadata: ["metadata"],
  "storage-layout": ["storageLayout"],
};

function combinedJson(options) {
  if (options.files.length === 0) fail("--combined-json needs at least one source file");
  const sources = {};
  for (const file of options.files) {
    if (!fs.existsSync(file)) fail(`source file not found: ${file}`);
    sources[file] = { content: fs.readFileSync(file, "utf8") };
  }
  const outputs = new Set();
  for (const field of options.combined) for (const output of COMBINED_SELECTION[field] || []) outputs.add(output);
  const input = {
    language: "Solidity",
    sources,
    settings: {
      remappings: options.remappings,
      outputSelection: { "*": { "*": [...outputs], "": ["ast"] } },
    },
  };
  const output = JSON.parse(compile(input, options));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  for (const e of output.errors || []) fs.writeSync(2, `${e.formattedMessage || e.message}\n`);
  if (errors.length > 0) process.exit(1);

  const get = (object, dotted) => dotted.split(".").reduce((o, key) => (o == null ? undefined : o[key]), object);
  const contracts = {};
  for (const [file, byName] of Object.entries(output.contracts || {})) {
    for (const [name, artifact] of Object.entries(byName)) {
      const entry = {};
      for (const field of options.combined) {
        const selector = (COMBINED_SELECTION[field] || [])[0];
        if (!selector) continue;
        const value = get(artifact, selector);
        entry[field] = value === undefined ? "" : value;
      }
      contracts[`${file}:${name}`] = entry;
    }
  }
  const sourceList = Object.keys(output.sources || {}).sort((a, b) => output.sources[a].id - output.sources[b].id);
  const astSources = {};
  for (const file of sourceList) astSources[file] = { AST: output.sources[file].ast };
  writeOut(JSON.stringify({ contracts, sourceList, sources: astSources, version: nativeVersion() }));
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.mode === "version") {
    writeOut(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersion()}\n`);
  } else if (options.mode === "standard-json") {
    standardJson(options);
  } else if (options.mode === "combined-json") {
    combinedJson(options);
  } else {
    fail("supported modes: --version, --standard-json, --combined-json");
  }
  process.exit(0);
}

main();
