using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Portal.Core.Pricing.Learning;

/// <summary>One training row: an item's features as they stood on its date, and the log of what it sold for.</summary>
public sealed record LearningRow(float[] Features, double LogPrice, DateTimeOffset SoldAt);

/// <summary>
/// A tenant's learned layer over the comparables: gradient-boosted regression trees (ML.NET FastTree, managed code) predicting
/// the log price from <see cref="PriceFeatures"/>. Trained only on the tenant's own sales, each row's features computed from
/// the sales before it, so the model learns how far to trust the comparables, the brand and the category in each situation.
/// </summary>
public sealed class LearnedPriceModel
{
    /// <summary>Below this many rows there is nothing to learn from: the engine's price stands.</summary>
    public const int MinRows = 200;

    private readonly PredictionEngine<LearnedModelInput, LearnedModelOutput> _predictor;
    private readonly Lock _lock = new();

    private LearnedPriceModel(PredictionEngine<LearnedModelInput, LearnedModelOutput> predictor, int rows, DateTimeOffset trainedUntil)
    {
        _predictor = predictor;
        Rows = rows;
        TrainedUntil = trainedUntil;
    }

    public int Rows { get; }

    /// <summary>The latest sale the model learned from.</summary>
    public DateTimeOffset TrainedUntil { get; }

    /// <summary>A model trained on <paramref name="rows"/>, or null when they are too few.</summary>
    public static LearnedPriceModel? Train(IReadOnlyList<LearningRow> rows, LearnedModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < MinRows)
        {
            return null;
        }

        options ??= new LearnedModelOptions();
        var ml = new MLContext(seed: 17);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new LearnedModelInput { Features = r.Features, Label = (float)r.LogPrice }), SchemaFor(ml));
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinRowsPerLeaf,
            LearningRate = options.LearningRate,
            FeatureFraction = 0.8,
            Shrinkage = 1,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(data);
        var predictor = ml.Model.CreatePredictionEngine<LearnedModelInput, LearnedModelOutput>(model, inputSchemaDefinition: SchemaFor(ml));
        return new LearnedPriceModel(predictor, rows.Count, rows.Max(r => r.SoldAt));
    }

    /// <summary>The predicted price (not its log).</summary>
    public double Predict(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != PriceFeatures.Count)
        {
            throw new ArgumentException($"Expected {PriceFeatures.Count} features, got {features.Length}.", nameof(features));
        }

        lock (_lock)
        {
            // PredictionEngine is not thread-safe; one prediction is a few microseconds.
            return Math.Exp(_predictor.Predict(new LearnedModelInput { Features = features }).Score);
        }
    }

    private static SchemaDefinition SchemaFor(MLContext ml)
    {
        _ = ml;
        var schema = SchemaDefinition.Create(typeof(LearnedModelInput));
        schema[nameof(LearnedModelInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, PriceFeatures.Count);
        return schema;
    }
}

/// <summary>ML.NET's row type (public: ML.NET builds its accessors by reflection).</summary>
public sealed class LearnedModelInput
{
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}

/// <summary>ML.NET's prediction type.</summary>
public sealed class LearnedModelOutput
{
    public float Score { get; set; }
}

/// <summary>The trees' shape; defaults chosen by the time-ordered backtest (docs/decisions).</summary>
public sealed record LearnedModelOptions
{
    public int Trees { get; init; } = 200;
    public int Leaves { get; init; } = 8;
    public int MinRowsPerLeaf { get; init; } = 20;
    public double LearningRate { get; init; } = 0.05;
}
