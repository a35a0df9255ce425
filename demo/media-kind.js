// Which modality a user's file is. The SDK routes a Blob by its MIME type (and rejects one without);
// files from some systems come without a type, so the demo falls back to the extension and gives
// the file the type the SDK needs.

const BY_EXTENSION = {
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'],
  audio: ['wav', 'mp3', 'ogg', 'flac', 'm4a'],
  video: ['webm', 'mp4', 'mov', 'mkv'],
};

const extensionOf = (name) => name.split('.').pop().toLowerCase();

/** 'image' | 'audio' | 'video', or null for anything else. */
export function kindOfFile(file) {
  const t = (file.type || '').split('/')[0];
  if (t === 'image' || t === 'audio' || t === 'video') return t;
  const ext = extensionOf(file.name);
  for (const [kind, exts] of Object.entries(BY_EXTENSION)) if (exts.includes(ext)) return kind;
  return null;
}

/** The file itself when it has a MIME type, else a copy typed from its extension. */
export function typed(file, kind) {
  if (file.type) return file;
  const ext = extensionOf(file.name);
  return new File([file], file.name, { type: `${kind}/${ext === 'jpg' ? 'jpeg' : ext}` });
}
