import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

/**
 * An upload's body passed through as it is read, hashed on the way: the file's SHA-256 (an
 * import's identity when the report has none) is known once the last byte has gone through.
 */
export function hashedUpload(body: Readable): { input: Readable; digest: () => string } {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      // A failure here must end the import's stream, not escape it and leave the import waiting for bytes.
      try {
        hash.update(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  body.on('error', (error) => hashing.destroy(error));
  let digest: string | undefined;
  return { input: body.pipe(hashing), digest: () => (digest ??= hash.digest('hex')) };
}
