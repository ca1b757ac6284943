// vscode-jsonrpc 10 publishes its Node entry point only through package.json
// "exports", which this project's `moduleResolution` (node10, for CommonJS) does
// not read. Node and esbuild resolve `vscode-jsonrpc/node` at run time; this
// tells the type checker where its declarations are.
declare module 'vscode-jsonrpc/node' {
  export * from 'vscode-jsonrpc/lib/node/main';
}
