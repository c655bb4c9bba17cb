import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookalike, tempDir } from '../helpers/fixtures.js';

describe('lookalike serve', () => {
  it('prints its help, and refuses bad usage and an empty database with one line', () => {
    const help = lookalike(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/lookalike serve \[folder\]/);
    expect(help.stdout).toMatch(/LOOKALIKE_ADMIN_TOKEN/);

    expect(lookalike(['serve', '--port', 'abc']).stderr).toMatch(/--port must be an integer from 0 to 65535/);
    expect(lookalike(['serve', 'a', '--images', 'b']).code).toBe(2);
    const missing = lookalike(['serve', '--db', join(tempDir('serve'), 'none.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database at .*none\.db/);
    const noFolder = lookalike(['serve', join(tempDir('serve'), 'nothing-here')]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/cannot read folder/);
  });
});
