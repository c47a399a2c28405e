/**
 * Safe mode (BlockManagerSafeMode): after start the NameNode waits until enough blocks have a
 * reported replica (threshold-pct of all complete blocks) and enough DataNodes are live, then
 * waits the extension and leaves. Entered manually it stays until left manually. A core.
 */
import { blockThreshold, safemodeTip } from './safemode-tip.js';

export interface SafeModeConfig {
  thresholdPct: number;
  minDatanodes: number;
  extensionMs: number;
}

export interface SafeModeInputs {
  totalBlocks: number;
  safeBlocks: number;
  liveDatanodes: number;
}

export class SafeMode {
  private on = true;
  private manual = false;
  private resourcesLow = false;
  private extensionStartMs: number | null = null;

  constructor(private readonly config: SafeModeConfig) {}

  isOn(): boolean {
    return this.on;
  }

  isManual(): boolean {
    return this.manual;
  }

  enterManually(): void {
    this.on = true;
    this.manual = true;
    this.extensionStartMs = null;
  }

  /**
   * NameNodeResourceMonitor: the name directory's volume is low on space. Like a manual entry it
   * lasts until an administrator leaves it (after freeing space).
   */
  enterForLowResources(): void {
    this.enterManually();
    this.resourcesLow = true;
  }

  isResourcesLow(): boolean {
    return this.resourcesLow;
  }

  leave(): void {
    this.on = false;
    this.manual = false;
    this.resourcesLow = false;
    this.extensionStartMs = null;
  }

  /** (long) (total × pct) in Java's float, as 3.x computes the block threshold. */
  blockThreshold(totalBlocks: number): number {
    return blockThreshold(totalBlocks, this.config.thresholdPct);
  }

  private thresholdsMet(inputs: SafeModeInputs): boolean {
    if (this.config.thresholdPct > 1) return false;
    const blocksOk =
      this.config.thresholdPct <= 0 || inputs.safeBlocks >= this.blockThreshold(inputs.totalBlocks);
    return blocksOk && inputs.liveDatanodes >= this.config.minDatanodes;
  }

  /** Re-evaluates; returns true when this call turned safe mode off. */
  check(inputs: SafeModeInputs, nowMs: number): boolean {
    if (!this.on || this.manual) return false;
    if (!this.thresholdsMet(inputs)) {
      this.extensionStartMs = null;
      return false;
    }
    // With no blocks there is nothing to wait for: newer 3.x leaves at once.
    if (inputs.totalBlocks === 0 || this.config.extensionMs <= 0) {
      this.leave();
      return true;
    }
    this.extensionStartMs ??= nowMs;
    if (nowMs - this.extensionStartMs >= this.config.extensionMs) {
      this.leave();
      return true;
    }
    return false;
  }

  /** HDFS's tip text (BlockManagerSafeMode.getSafeModeTip, safemode-tip.ts), empty when off. */
  tip(inputs: SafeModeInputs, nowMs: number): string {
    if (!this.on) return '';
    const extension = this.extensionStartMs;
    return safemodeTip({
      manual: this.manual,
      resourceLow: this.resourcesLow,
      blockSafe: inputs.safeBlocks,
      blockTotal: inputs.totalBlocks,
      thresholdPct: this.config.thresholdPct,
      minDatanodes: this.config.minDatanodes,
      numLiveDatanodes: inputs.liveDatanodes,
      status: extension !== null ? 'EXTENSION' : this.thresholdsMet(inputs) ? 'OFF' : 'PENDING_THRESHOLD',
      ...(extension !== null ? { msToLeaveExtension: extension + this.config.extensionMs - nowMs } : {}),
    });
  }
}
