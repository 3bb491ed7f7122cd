namespace Portal.Core.Sales;

/// <summary>
/// How a store splits its live sales (every tenant's) for a parallel index load: disjoint <see cref="Segments"/> that
/// together hold every live sale exactly once, each readable on its own connection at the same time as the others, and
/// how many sales to expect (for the "warming" progress; null when the store cannot tell cheaply).
/// </summary>
public sealed record SalesLoadPlan(IReadOnlyList<SalesLoadSegment> Segments, long? EstimatedSales);

/// <summary>
/// One part of a <see cref="SalesLoadPlan"/>: <see cref="Number"/> of <see cref="Of"/>. Only the store that planned it gives
/// meaning to its bounds (SQLite: the rowids <see cref="From"/> to <see cref="To"/>, both included; DynamoDB: Scan segment Number of Of).
/// </summary>
public sealed record SalesLoadSegment(int Number, int Of, long From = 0, long To = 0);
