/**
 * The runtime dependencies in package.json are exactly the packages dist/ imports: nothing a user
 * installs is missing (a packed install has no devDependencies) and nothing is installed for
 * nothing. `typescript` in particular is a build tool: dist uses ts-morph's bundled copy.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

function jsFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".js"))
    .map((e) => join(e.parentPath, e.name));
}

/** `commander` for `commander`, `@scope/pkg` for `@scope/pkg/sub`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Package names imported (statically or by import()) by the built files; comments and strings do not count. */
function importedPackages(): Map<string, string[]> {
  const builtins = new Set(builtinModules);
  const found = new Map<string, string[]>();
  for (const file of jsFiles(join(root, "dist"))) {
    for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (fileName.startsWith(".") || fileName.startsWith("node:") || builtins.has(fileName)) continue;
      const name = packageOf(fileName);
      found.set(name, [...(found.get(name) ?? []), file.slice(root.length + 1)]);
    }
  }
  return found;
}

describe("package.json dependencies", () => {
  it("are exactly what dist/ imports", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };
    const imported = importedPackages();
    imported.delete(pkg.name); // doc comments aside, dist never imports itself; be safe
    expect([...imported.keys()].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(imported.has("typescript")).toBe(false);
    for (const version of Object.values(pkg.dependencies)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
