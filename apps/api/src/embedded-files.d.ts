// Bun's `with { type: "file" }` imports give the path of the file embedded in the binary.
declare module "*.wasm" {
  const path: string
  export default path
}
declare module "*.data" {
  const path: string
  export default path
}
