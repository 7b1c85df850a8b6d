/**
 * The TSDoc of each option in the public `LoggerOptions` typings, found by option path
 * (`retry.maxDelayMs`), as the editor shows it. One reader for scripts/options-docs.mjs (the
 * meaning column of docs/configuration.md) and test/config/option-defaults.test.ts (the stated
 * defaults against the schema).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const OPTIONS_FILE = fileURLToPath(new URL('../src/config/options.ts', import.meta.url));

/** The option's TSDoc text and its `@defaultValue` tags (as "Default X."), or undefined when no such option is typed. */
export interface OptionDoc {
  readonly text: string;
  readonly defaultTags: readonly string[];
}

/** Builds the typings once; the returned function looks up one option path. */
export function optionTypings(): (path: string) => OptionDoc | undefined {
  const program = ts.createProgram([OPTIONS_FILE], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(OPTIONS_FILE);
  const module = file && checker.getSymbolAtLocation(file);
  const root = module && checker.getExportsOfModule(module).find((s) => s.name === 'LoggerOptions');
  if (!root) throw new Error('LoggerOptions not found in src/config/options.ts');
  /** The property `key` of `type`, in the object members of a union (`RedactOption`: not its array). */
  const property = (type: ts.Type, key: string) => {
    const t = checker.getNonNullableType(type);
    const members = (t.isUnion() ? t.types : [t]).filter((m) => !checker.isArrayType(m));
    return members.map((m) => m.getProperty(key)).find(Boolean);
  };
  return (path) => {
    let type: ts.Type = checker.getDeclaredTypeOfSymbol(root);
    let symbol: ts.Symbol | undefined;
    for (const key of path.split('.')) {
      symbol = property(type, key);
      if (!symbol) return undefined;
      type = checker.getTypeOfSymbol(symbol);
    }
    if (!symbol) return undefined;
    return {
      text: ts.displayPartsToString(symbol.getDocumentationComment(checker)),
      defaultTags: symbol
        .getJsDocTags(checker)
        .filter((t) => t.name === 'defaultValue')
        .map((t) => `Default ${ts.displayPartsToString(t.text)}.`),
    };
  };
}
