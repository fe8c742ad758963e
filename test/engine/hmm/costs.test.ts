/** HMM's copies cost what the machine's UVM copies cost: the default PCIe 5 lines (docs/model.md "Costs"). */
import { describe, expect, it } from 'vitest';
import { copyNs, DEFAULT_HMM_COSTS } from '../../../src/engine/hmm/costs';
import { LINK_PRESETS } from '../../../src/engine/scenario/defaults';

describe('DEFAULT_HMM_COSTS', () => {
  it('copies on the pcie5 lines the UVM model uses (HtoD the captures’ fit, DtoH numbers.md’s)', () => {
    expect(DEFAULT_HMM_COSTS.htod).toEqual({ latencyNs: LINK_PRESETS.pcie5.htod.latencyNs, bytesPerNs: LINK_PRESETS.pcie5.htod.bytesPerNs });
    expect(DEFAULT_HMM_COSTS.dtoh).toEqual({ latencyNs: LINK_PRESETS.pcie5.dtoh.latencyNs, bytesPerNs: LINK_PRESETS.pcie5.dtoh.bytesPerNs });
    expect(DEFAULT_HMM_COSTS.htod).toEqual({ latencyNs: 2590, bytesPerNs: 53.2 });
    // a 64 KiB migrate window: 3.82 µs (4.04 µs on numbers.md's old line)
    expect(copyNs(DEFAULT_HMM_COSTS.htod, 64 * 1024) / 1000).toBeCloseTo(3.82, 2);
  });
});
