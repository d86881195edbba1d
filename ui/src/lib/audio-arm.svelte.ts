/**
 * Unlocking sound on this phone (docs/ui.md §Warnings, The kit's alarm): browsers let a page make
 * sound only after a person touched it (the autoplay rule), so the alarm's first screen asks for
 * one tap (点击开启警报声), and that tap makes the page's one AudioContext and starts it. Made inside
 * the tap's own handler, with no await before it, since some browsers (Safari) accept only that;
 * a silent sample is played at once, which is what older iOS versions wait for. The context then
 * serves the siren (siren-player.ts) for as long as the page is open.
 *
 * A locked phone, a phone call or the browser in the background suspends the context: the page
 * says so through `armed` and asks for a tap again. The real alarm is the kit's loudspeaker.
 */

type AudioContextClass = typeof AudioContext;

let context: AudioContext | undefined;
let armed = $state(false);

/** The constructor this browser has: standard, or the prefixed one of older Safari. */
function audioContextClass(): AudioContextClass | undefined {
  if (typeof window === 'undefined') return undefined;
  const w = window as unknown as { AudioContext?: AudioContextClass; webkitAudioContext?: AudioContextClass };
  return w.AudioContext ?? w.webkitAudioContext;
}

/** Whether this browser can make sound at all. */
export function canSound(): boolean {
  return audioContextClass() !== undefined;
}

/** Whether sound is unlocked now. */
export function audioArmed(): boolean {
  return armed;
}

/** The unlocked context, for the siren; undefined until a tap armed it. */
export function audioContext(): AudioContext | undefined {
  return armed ? context : undefined;
}

/** Call from a tap's handler, synchronously: makes or wakes the context. */
export function armAudio(): void {
  const Ctx = audioContextClass();
  if (Ctx === undefined) return;
  if (context === undefined || context.state === 'closed') {
    context = new Ctx();
    const ctx = context;
    ctx.onstatechange = () => {
      armed = ctx.state === 'running';
    };
  }
  const ctx = context;
  const silent = ctx.createBuffer(1, 1, ctx.sampleRate);
  const source = ctx.createBufferSource();
  source.buffer = silent;
  source.connect(ctx.destination);
  source.start(0);
  void ctx.resume().then(
    () => {
      armed = ctx.state === 'running';
    },
    () => {
      armed = false;
    },
  );
  armed = ctx.state === 'running';
}
