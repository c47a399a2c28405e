/**
 * DFSClient.getQuotaUsage: what `-count -u` and `-count -t` print. A NameNode without the method
 * (RpcNoSuchMethodException: Hadoop before 2.8) is asked getContentSummary instead, whose figures
 * are a QuotaUsage too, as DFSClient falls back.
 */
import { RemoteError } from '../protocol/errors.js';
import { quotaUsageOfSummary, type QuotaUsage, type RpcMethods } from '../protocol/messages.js';

interface QuotaUsageCaller {
  call(method: 'getQuotaUsage', params: RpcMethods['getQuotaUsage']['req']): Promise<QuotaUsage>;
  call(
    method: 'getContentSummary',
    params: RpcMethods['getContentSummary']['req'],
  ): Promise<RpcMethods['getContentSummary']['res']>;
}

export async function getQuotaUsage(namenode: QuotaUsageCaller, src: string): Promise<QuotaUsage> {
  try {
    return await namenode.call('getQuotaUsage', { src });
  } catch (error) {
    if (!(error instanceof RemoteError) || error.errorClass !== 'UnknownMethodException') throw error;
    return quotaUsageOfSummary(await namenode.call('getContentSummary', { src }));
  }
}
