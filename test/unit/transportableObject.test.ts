import * as assert from 'assert';
import { readTransportableObject, TransportableObjectFormatError } from '../../src/covalent/transportableObject';
import { tobjArchive } from '../support/tobj';

describe('readTransportableObject', () => {
  it('reads the string form and the header of a Covalent value archive', () => {
    const value = readTransportableObject(tobjArchive('{"py_version": "3.11.7", "attrs": {"doc": "float"}}', '1.5', 'gAWV'));
    assert.strictEqual(value.objectString, '1.5');
    assert.strictEqual(value.header.py_version, '3.11.7');
  });

  it('keeps non-ASCII text intact', () => {
    assert.strictEqual(readTransportableObject(tobjArchive('{}', "['π', 'ü']", '')).objectString, "['π', 'ü']");
  });

  it('returns what it has when the archive was cut after the string', () => {
    const full = tobjArchive('{}', 'a long value', 'pickled-bytes');
    assert.strictEqual(readTransportableObject(full.subarray(0, 16 + 2 + 6)).objectString, 'a long');
  });

  it('refuses bytes that are not an archive', () => {
    assert.throws(() => readTransportableObject(new TextEncoder().encode('<html>')), TransportableObjectFormatError);
    assert.throws(() => readTransportableObject(tobjArchive('not json', 'x', '')), TransportableObjectFormatError);
  });
});
