// Video frames are sampled on the page (a <video> element decodes; workers cannot) and sent to the
// worker as transferable ImageBitmaps, spread evenly over the clip.
import { InvalidInputError } from '../../errors';

function once(target: EventTarget, ok: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new InvalidInputError(`video did not fire '${ok}' within ${timeoutMs} ms`)); }, timeoutMs);
    const onOk = () => { cleanup(); resolve(); };
    const onErr = () => { cleanup(); reject(new InvalidInputError('the video could not be decoded')); };
    const cleanup = () => { clearTimeout(timer); target.removeEventListener(ok, onOk); target.removeEventListener('error', onErr); };
    target.addEventListener(ok, onOk);
    target.addEventListener('error', onErr);
  });
}

async function duration(video: HTMLVideoElement): Promise<number> {
  if (Number.isFinite(video.duration)) return video.duration;
  // Some WebM files carry no duration: seeking far past the end makes the browser find it.
  video.currentTime = 1e9;
  await once(video, 'seeked', 10_000);
  return video.duration;
}

const HAVE_CURRENT_DATA = 2;
const FRAME_TIMEOUT_MS = 10_000;

/**
 * The frame at the current position. Chromium can fire 'seeked' before that frame is decodable when
 * the decoder is busy (seen under CPU load: createImageBitmap throws InvalidStateError, "the image
 * source is not usable"), so a not-yet-usable frame is waited for rather than reported as bad input.
 */
async function grabFrame(video: HTMLVideoElement): Promise<ImageBitmap> {
  const deadline = performance.now() + FRAME_TIMEOUT_MS;
  for (;;) {
    if (video.readyState >= HAVE_CURRENT_DATA) {
      try {
        return await createImageBitmap(video);
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'InvalidStateError')) {
          throw new InvalidInputError(`the video frame at ${video.currentTime.toFixed(3)} s could not be read: ${String(err)}`);
        }
      }
    }
    if (performance.now() > deadline) {
      throw new InvalidInputError(`the video frame at ${video.currentTime.toFixed(3)} s was not decoded within ${FRAME_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}

export async function sampleVideoFrames(source: Blob | URL | string | HTMLVideoElement, count: number): Promise<ImageBitmap[]> {
  if (typeof document === 'undefined') throw new InvalidInputError('decoding video needs a page; pass { frames } from a worker');
  const owned = !(source instanceof HTMLVideoElement);
  const video = owned ? document.createElement('video') : (source as HTMLVideoElement);
  const objectUrl = source instanceof Blob ? URL.createObjectURL(source) : undefined;
  try {
    if (owned) {
      video.muted = true;
      video.preload = 'auto';
      video.src = objectUrl ?? String(source);
      await once(video, 'loadeddata', 15_000);
    } else if (video.readyState < 2) {
      await once(video, 'loadeddata', 15_000);
    }
    const length = await duration(video);
    if (!(length > 0)) throw new InvalidInputError('the video has no duration');
    const frames: ImageBitmap[] = [];
    for (let i = 0; i < count; i++) {
      video.currentTime = ((i + 0.5) * length) / count;
      await once(video, 'seeked', 10_000);
      frames.push(await grabFrame(video));
    }
    return frames;
  } finally {
    if (owned) { video.removeAttribute('src'); video.load(); }
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  }
}
