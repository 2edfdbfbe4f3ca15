// Framework resolves `npm:` imports in the browser; for the type checker they are the installed packages.
declare module "npm:@observablehq/plot" {
  export * from "@observablehq/plot";
}
