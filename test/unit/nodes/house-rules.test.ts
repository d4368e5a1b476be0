/**
 * The rules of src/README.md that a machine can check: only src/nodes/ knows Node-RED (and
 * express); the core never imports a node or the simulator; every folder of src/ is described there.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../browser/repo-root';

const SRC = path.join(REPO_ROOT, 'src');
const sources = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
const imports = (file: string) => [...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => m[1]);
/** Where an import of `file` points inside src/ (e.g. 'push/hik-event'), or the package name. */
const target = (file: string, specifier: string) => (specifier.startsWith('.') ? path.posix.join(path.posix.dirname(file), specifier) : specifier);

describe('house rules (src/README.md)', () => {
  it('reads the sources', () => {
    assert.ok(sources.includes('nodes/hikvision-listener.ts'));
    assert.ok(imports('nodes/hikvision-listener.ts').includes('node-red'));
  });

  it('only src/nodes/ imports Node-RED or express', () => {
    const wrong = sources.filter((f) => !f.startsWith('nodes/'))
      .flatMap((f) => imports(f).filter((s) => s === 'node-red' || s.startsWith('node-red/') || s === 'express').map((s) => `${f} → ${s}`));
    assert.deepEqual(wrong, []);
  });

  it('the core imports neither a node nor the simulator', () => {
    // index.ts is the package's entry point: it re-exports the simulators for other projects' tests.
    const wrong = sources.filter((f) => !f.startsWith('nodes/') && !f.startsWith('simulator/') && f !== 'index.ts')
      .flatMap((f) => imports(f).map((s) => target(f, s)).filter((t) => t.startsWith('nodes/') || t.startsWith('simulator/')).map((t) => `${f} → ${t}`));
    assert.deepEqual(wrong, []);
  });

  it('the simulator never imports a node', () => {
    const wrong = sources.filter((f) => f.startsWith('simulator/'))
      .flatMap((f) => imports(f).map((s) => target(f, s)).filter((t) => t.startsWith('nodes/')).map((t) => `${f} → ${t}`));
    assert.deepEqual(wrong, []);
  });

  it('src/README.md names every folder of src/', () => {
    const readme = fs.readFileSync(path.join(SRC, 'README.md'), 'utf8');
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const folder of folders) assert.ok(readme.includes(`\`${folder}/\``), `src/${folder}/ is described`);
  });
});
