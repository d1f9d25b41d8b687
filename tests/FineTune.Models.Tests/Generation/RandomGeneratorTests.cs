using FineTune.Models.Generation;

namespace FineTune.Models.Tests.Generation;

public class RandomGeneratorTests
{
    [Fact]
    public void SplitMix64_from_zero_gives_the_published_first_outputs()
    {
        // First outputs of Vigna's splitmix64.c from state 0 (widely quoted test vector).
        var generator = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, generator.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, generator.Next());
        Assert.Equal(0x06C45D188009454FUL, generator.Next());
        Assert.Equal(0xF88BB8A8724C81ECUL, generator.Next());
    }

    [Fact]
    public void SplitMix64_from_1234567_gives_the_published_outputs()
    {
        // Rosetta Code's "Pseudo-random numbers/Splitmix64" task lists these for seed 1234567.
        var generator = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong value in expected) Assert.Equal(value, generator.Next());
    }

    [Fact]
    public void Xoshiro_first_outputs_from_state_1_2_3_4_worked_by_hand()
    {
        // From the definition: out = rotl(s1·5, 7)·9, then
        //   t = s1<<17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45).
        // Step 1, s = (1, 2, 3, 4): out = rotl(10, 7)·9 = 1280·9 = 11520.
        //   t = 2<<17 = 262144; s2 = 3^1 = 2; s3 = 4^2 = 6; s1 = 2^2 = 0; s0 = 1^6 = 7;
        //   s2 = 2^262144 = 262146; s3 = rotl(6, 45) = 6·2^45.
        // Step 2, s = (7, 0, 262146, 6·2^45): out = rotl(0, 7)·9 = 0.
        //   t = 0; s2 = 262146^7 = 262149; s3 = 6·2^45 ^ 0; s1 = 0^262149 = 262149;
        //   s0 = 7 ^ 6·2^45; s2 = 262149; s3 = rotl(6·2^45, 45) = 6·2^26 (bits 46, 47 wrap to 27, 28).
        // Step 3: out = rotl(262149·5, 7)·9 = 1310745·128·9 = 1509978240.
        var generator = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        Assert.Equal(11520UL, generator.NextUInt64());
        Assert.Equal(0UL, generator.NextUInt64());
        Assert.Equal(1509978240UL, generator.NextUInt64());
    }

    [Fact]
    public void Xoshiro_from_state_1_2_3_4_matches_the_reference_implementation_vector()
    {
        // Outputs of the authors' xoshiro256starstar.c from state {1, 2, 3, 4}, as pinned by the
        // Rust crate rand_xoshiro's reference test.
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
            607988272756665600, 16172922978634559625, 8476171486693032832,
            10595114339597558777, 2904607092377533576,
        ];
        var generator = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        foreach (ulong value in expected) Assert.Equal(value, generator.NextUInt64());
    }

    [Fact]
    public void Seeding_fills_the_state_with_splitmix64_outputs_from_the_seed()
    {
        // Seed 0 → the four published SplitMix64 outputs above become the state.
        var seeded = new Xoshiro256StarStar(0);
        var explicitState = Xoshiro256StarStar.FromState(0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC);
        for (int i = 0; i < 16; i++) Assert.Equal(explicitState.NextUInt64(), seeded.NextUInt64());
    }

    [Fact]
    public void Stream_n_uses_the_splitmix64_outputs_after_the_first_4n()
    {
        const ulong seed = 987654321;
        var expander = new SplitMix64(seed);
        for (int skipped = 0; skipped < 4 * 3; skipped++) expander.Next();
        var expected = Xoshiro256StarStar.FromState(expander.Next(), expander.Next(), expander.Next(), expander.Next());
        var stream3 = new Xoshiro256StarStar(seed, stream: 3);
        for (int i = 0; i < 16; i++) Assert.Equal(expected.NextUInt64(), stream3.NextUInt64());
    }

    [Fact]
    public void NextDouble_takes_the_top_53_bits()
    {
        // First output from (1, 2, 3, 4) is 11520; 11520 >> 11 = 5, so the double is 5·2^-53.
        var generator = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        Assert.Equal(5 * Math.Pow(2, -53), generator.NextDouble());
        Assert.Equal(0.0, generator.NextDouble()); // second output is 0
    }

    [Fact]
    public void All_zero_state_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(0, 0, 0, 0));
    }
}
