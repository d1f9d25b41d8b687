using FineTune.Engine.Layers;

namespace FineTune.Engine.Tests.Layers;

/// <summary>A serving step's attention for many sequences in one parallel loop: each sequence gets exactly what its own Forward gives.</summary>
public sealed class AttentionEachSpecs
{
    [Fact]
    public void Sequences_of_a_step_with_their_own_caches_get_the_same_bits_as_attending_one_by_one()
    {
        // decodes (one query) and prefill chunks (several, one longer than a query tile) against caches of their own capacity
        var shapes = new[]
        {
            AttentionShape.Decode(1, 19, 8, 4, 32, kvCapacity: 40),
            new AttentionShape(1, 7, 30, 8, 4, 32, queryOffset: 23, kvCapacity: 40),
            AttentionShape.Decode(1, 1, 8, 4, 32, kvCapacity: 8),
            new AttentionShape(1, 70, 70, 8, 4, 32, queryOffset: 0, kvCapacity: 96),
            AttentionShape.Decode(1, 64, 8, 4, 32, kvCapacity: 64),
        };
        var width = 8 * 32;
        var rows = shapes.Sum(s => s.QueryLength);
        var q = GradientCheck.Random(rows * width, seed: 1);
        var caches = shapes.Select((s, i) => (K: GradientCheck.Random(s.KvElements, 10 + i), V: GradientCheck.Random(s.KvElements, 20 + i))).ToList();

        var together = new float[rows * width];
        var work = new List<AttentionWork>();
        var row = 0;
        for (var i = 0; i < shapes.Length; i++)
        {
            work.Add(new AttentionWork(together, row * width, q, row * width, caches[i].K, caches[i].V, shapes[i]));
            row += shapes[i].QueryLength;
        }
        Attention.ForwardEach(work);

        row = 0;
        for (var i = 0; i < shapes.Length; i++)
        {
            var alone = new float[shapes[i].QueryElements];
            Attention.Forward(alone, default, q.AsSpan(row * width, shapes[i].QueryElements), caches[i].K, caches[i].V, shapes[i]);
            Assert.Equal(alone, together.AsSpan(row * width, shapes[i].QueryElements).ToArray());
            row += shapes[i].QueryLength;
        }
    }

    [Fact]
    public void A_work_item_whose_output_is_too_short_is_refused_naming_it()
    {
        var shape = AttentionShape.Decode(1, 4, 2, 1, 16, kvCapacity: 4);
        var kv = new float[shape.KvElements];

        var error = Assert.Throws<ArgumentException>(() => Attention.ForwardEach([new AttentionWork(new float[8], 0, new float[32], 0, kv, kv, shape)]));

        Assert.Contains("item 0", error.Message);
    }
}
