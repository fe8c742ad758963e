/** The memory map's own colours besides the lanes' (lanes.ts): the background and a lane's empty track. */
export const BG = '#1c1f26';
export const TRACK = '#2a303a';
