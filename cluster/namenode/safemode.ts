/**
 * Safe mode (BlockManagerSafeMode): after start the NameNode waits until enough blocks have a
 * reported replica (threshold-pct of all complete blocks) and enough DataNodes are live, then
 * waits the extension and leaves. Entered manually it stays until left manually. A core.
 */

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

  /** floor(total × pct), as 3.x computes the block threshold. */
  blockThreshold(totalBlocks: number): number {
    return Math.floor(totalBlocks * this.config.thresholdPct);
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

  /** HDFS's tip text (BlockManagerSafeMode.getSafeModeTip), empty when off. */
  tip(inputs: SafeModeInputs, nowMs: number): string {
    if (!this.on) return '';
    if (this.resourcesLow) {
      return (
        'Resources are low on NN. Please add or free up more resources then turn off safe mode manually. ' +
        'NOTE:  If you turn off safe mode before adding resources, the NN will immediately return to safe mode. ' +
        'Use "hdfs dfsadmin -safemode leave" to turn safe mode off.'
      );
    }
    if (this.manual) {
      return 'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.';
    }
    const pct = this.config.thresholdPct.toFixed(4);
    const threshold = this.blockThreshold(inputs.totalBlocks);
    let text: string;
    if (inputs.safeBlocks < threshold) {
      text =
        `The reported blocks ${inputs.safeBlocks} needs additional ${threshold - inputs.safeBlocks} blocks to reach the threshold ` +
        `${pct} of total blocks ${inputs.totalBlocks}.\n`;
    } else {
      text = `The reported blocks ${inputs.safeBlocks} has reached the threshold ${pct} of total blocks ${inputs.totalBlocks}. `;
    }
    if (this.config.minDatanodes === 0) {
      text += 'The minimum number of live datanodes is not required. ';
    } else if (inputs.liveDatanodes < this.config.minDatanodes) {
      text +=
        `The number of live datanodes ${inputs.liveDatanodes} needs an additional ` +
        `${this.config.minDatanodes - inputs.liveDatanodes} live datanodes to reach the minimum number ${this.config.minDatanodes}.\n`;
    } else {
      text += `The number of live datanodes ${inputs.liveDatanodes} has reached the minimum number ${this.config.minDatanodes}. `;
    }
    if (this.extensionStartMs !== null) {
      // timeToLeaveExtension() / 1000: Java's long division, which drops the fraction.
      const leftS = Math.max(0, Math.trunc((this.extensionStartMs + this.config.extensionMs - nowMs) / 1000));
      text += `In safe mode extension. Safe mode will be turned off automatically in ${leftS} seconds.`;
    } else if (this.thresholdsMet(inputs)) {
      text += 'Safe mode will be turned off automatically soon.';
    } else {
      text += 'Safe mode will be turned off automatically once the thresholds have been reached.';
    }
    return text;
  }
}
