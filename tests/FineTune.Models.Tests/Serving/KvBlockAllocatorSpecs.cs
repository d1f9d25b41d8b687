using FineTune.Models.Serving;

namespace FineTune.Models.Tests.Serving;

public sealed class KvBlockAllocatorSpecs
{
    [Fact]
    public void Allocate_takes_whole_blocks_enough_for_the_tokens_and_counts_them_used()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 8, blockSize: 4);

        var blocks = allocator.Allocate(sequenceId: 1, tokens: 10);

        Assert.Equal(3, blocks.Count);
        Assert.Equal(3, allocator.UsedBlocks);
        Assert.Equal(5, allocator.FreeBlocks);
        Assert.Equal(blocks, allocator.BlocksOf(1));
    }

    [Fact]
    public void Extend_adds_blocks_only_when_the_length_crosses_a_block_boundary()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 8, blockSize: 4);
        allocator.Allocate(1, 5);

        Assert.Equal(2, allocator.Extend(1, 8).Count);
        Assert.Equal(3, allocator.Extend(1, 9).Count);
        Assert.Equal(3, allocator.Extend(1, 2).Count);
        Assert.Equal(3, allocator.UsedBlocks);
    }

    [Fact]
    public void CanAdmit_turns_false_once_too_few_blocks_are_free()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 4, blockSize: 4);
        allocator.Allocate(1, 9);

        Assert.True(allocator.CanAdmit(4));
        Assert.False(allocator.CanAdmit(5));
    }

    [Fact]
    public void Allocating_beyond_the_pool_throws_and_takes_nothing()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 2, blockSize: 4);
        allocator.Allocate(1, 4);

        var error = Assert.Throws<InvalidOperationException>(() => allocator.Allocate(2, 5));

        Assert.Contains("needs 2 more blocks but only 1", error.Message);
        Assert.False(allocator.Holds(2));
        Assert.Equal(1, allocator.FreeBlocks);
    }

    [Fact]
    public void Freeing_a_sequence_twice_throws_a_clear_error_and_leaves_the_counts_alone()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 4, blockSize: 4);
        allocator.Allocate(7, 8);
        Assert.Equal(2, allocator.Free(7));

        var error = Assert.Throws<InvalidOperationException>(() => allocator.Free(7));

        Assert.Contains("Sequence 7 holds no blocks", error.Message);
        Assert.Equal(4, allocator.FreeBlocks);
    }

    [Fact]
    public void Freed_blocks_are_handed_out_again_and_never_to_two_sequences_at_once()
    {
        var allocator = new KvBlockAllocator(totalBlocks: 4, blockSize: 1);
        allocator.Allocate(1, 2);
        var second = allocator.Allocate(2, 2);
        allocator.Free(1);

        var third = allocator.Allocate(3, 2);

        Assert.Empty(second.Intersect(third));
        Assert.Equal([0, 1, 2, 3], second.Concat(third).Order());
    }
}
