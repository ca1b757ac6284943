import * as assert from 'assert';
import { readTransportableObject, TransportableObjectFormatError } from '../../src/covalent/transportableObject';

function archive(header: string, objectString: string, data: string): Uint8Array {
  const encoder = new TextEncoder();
  const [h, s, d] = [encoder.encode(header), encoder.encode(objectString), encoder.encode(data)];
  const bytes = new Uint8Array(16 + h.length + s.length + d.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(16 + h.length));
  view.setBigUint64(8, BigInt(16 + h.length + s.length));
  bytes.set(h, 16);
  bytes.set(s, 16 + h.length);
  bytes.set(d, 16 + h.length + s.length);
  return bytes;
}

describe('readTransportableObject', () => {
  it('reads the string form and the header of a Covalent value archive', () => {
    const value = readTransportableObject(archive('{"py_version": "3.11.7", "attrs": {"doc": "float"}}', '1.5', 'gAWV'));
    assert.strictEqual(value.objectString, '1.5');
    assert.strictEqual(value.header.py_version, '3.11.7');
  });

  it('keeps non-ASCII text intact', () => {
    assert.strictEqual(readTransportableObject(archive('{}', "['π', 'ü']", '')).objectString, "['π', 'ü']");
  });

  it('returns what it has when the archive was cut after the string', () => {
    const full = archive('{}', 'a long value', 'pickled-bytes');
    assert.strictEqual(readTransportableObject(full.subarray(0, 16 + 2 + 6)).objectString, 'a long');
  });

  it('refuses bytes that are not an archive', () => {
    assert.throws(() => readTransportableObject(new TextEncoder().encode('<html>')), TransportableObjectFormatError);
    assert.throws(() => readTransportableObject(archive('not json', 'x', '')), TransportableObjectFormatError);
  });
});
