using Portal.Core.Sales;
using Portal.Core.Images;

namespace Portal.Core.Sync;

/// <summary>
/// One submission to the pipeline: a body (one envelope or a batch) and who sent it, with the photos its sold events name by
/// URL once fetched before it was queued (<see cref="EventPipeline.PrefetchPhotosAsync"/>), by tenant and URL.
/// </summary>
public sealed record SubmissionRequest(ReadOnlyMemory<byte> Body, EventSubmissionOrigin Origin, IReadOnlyDictionary<(TenantId Tenant, string Url), SalePhotoResult>? Photos = null);
