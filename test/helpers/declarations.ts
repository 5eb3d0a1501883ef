// Reads the built declaration files (dist/*.d.ts) with the TypeScript compiler, as a consumer's
// editor would: which types the public signatures mention without exporting them, and which
// public members carry no JSDoc.
import ts from 'typescript';
import { relative } from 'node:path';

export interface DeclarationReport {
  /** "Name (from User)" for every type reachable from an export but not exported itself. */
  unexportedTypes: string[];
  /** "file: Export.member" for every exported declaration or public member without JSDoc. */
  undocumented: string[];
}

function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

export function inspectDeclarations(entry: string, root: string): DeclarationReport {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const inPackage = (node: ts.Node) => !node.getSourceFile().fileName.includes('node_modules');
  const exported = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!).map((s) => resolveAlias(checker, s)));
  const unexported = new Map<string, Set<string>>();
  const seen = new Set<ts.Symbol>();
  const visit = (symbol: ts.Symbol): void => {
    if (seen.has(symbol)) return;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      const walk = (node: ts.Node): void => {
        if (ts.isPropertyDeclaration(node) && ts.isPrivateIdentifier(node.name)) return;
        if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
          const at = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
          const found = checker.getSymbolAtLocation(at);
          const ref = found && resolveAlias(checker, found);
          const refDeclaration = ref?.declarations?.[0];
          if (ref && refDeclaration && inPackage(refDeclaration) && !(ref.flags & ts.SymbolFlags.TypeParameter)) {
            if (!exported.has(ref)) unexported.set(ref.name, (unexported.get(ref.name) ?? new Set()).add(symbol.name));
            visit(ref);
          }
        }
        ts.forEachChild(node, walk);
      };
      walk(declaration);
    }
  };
  const undocumented: string[] = [];
  for (const symbol of exported) {
    visit(symbol);
    const declaration = symbol.declarations?.[0];
    if (!declaration || !inPackage(declaration)) continue;
    const file = relative(root, declaration.getSourceFile().fileName);
    if (ts.getJSDocCommentsAndTags(declaration).length === 0) undocumented.push(`${file}: ${symbol.name}`);
    if (!ts.isClassDeclaration(declaration) && !ts.isInterfaceDeclaration(declaration)) continue;
    for (const member of declaration.members) {
      if (member.name && (ts.isPrivateIdentifier(member.name) || member.name.getText() === 'name' || member.name.getText() === 'kind')) continue;
      if (!member.name && !ts.isConstructorDeclaration(member)) continue;
      const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name!.getText();
      if (ts.getJSDocCommentsAndTags(member).length === 0) undocumented.push(`${file}: ${symbol.name}.${name}`);
    }
  }
  return { unexportedTypes: [...unexported].map(([name, users]) => `${name} (from ${[...users].join(', ')})`), undocumented };
}
