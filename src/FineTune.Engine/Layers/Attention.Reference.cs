namespace FineTune.Engine.Layers;

public static partial class Attention
{
    /// <summary>
    /// The plain attention the tiled kernels are tested against: for each (b, h) it fills the full
    /// (Tq, Tk) score matrix and works in double. Same layout and outputs as <see cref="Forward"/>.
    /// </summary>
    internal static void ReferenceForward(Span<float> output, Span<float> logSumExp,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, AttentionShape s)
    {
        s.CheckLengths(q.Length, k.Length, v.Length);
        AttentionShape.Require(output.Length, s.QueryElements, nameof(output));
        var probabilities = new double[s.QueryLength * s.KeyLength];
        for (var b = 0; b < s.Batch; b++)
        for (var h = 0; h < s.Heads; h++)
        {
            Probabilities(probabilities, logSumExp.IsEmpty ? default : logSumExp.Slice((b * s.Heads + h) * s.QueryLength, s.QueryLength),
                q, k, s, b, h);
            var kv = s.KvOffset(b, h / s.GroupSize);
            for (var i = 0; i < s.QueryLength; i++)
            {
                var o = s.QueryOffsetOf(b, h) + i * s.Heads * s.HeadDim;
                for (var d = 0; d < s.HeadDim; d++)
                {
                    double sum = 0;
                    for (var j = 0; j < s.KeyLength; j++)
                        sum += probabilities[i * s.KeyLength + j] * v[kv + j * s.KvHeads * s.HeadDim + d];
                    output[o + d] = (float)sum;
                }
            }
        }
    }

    /// <summary>
    /// Gradients of the plain attention, accumulated (+=) into dq, dk and dv; recomputes the
    /// probabilities from q and k rather than trusting saved state.
    /// </summary>
    internal static void ReferenceBackward(Span<float> dq, Span<float> dk, Span<float> dv, ReadOnlySpan<float> dout,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, AttentionShape s)
    {
        s.CheckLengths(q.Length, k.Length, v.Length);
        s.CheckLengths(dq.Length, dk.Length, dv.Length, nameof(dq), nameof(dk), nameof(dv));
        AttentionShape.Require(dout.Length, s.QueryElements, nameof(dout));
        int tq = s.QueryLength, tk = s.KeyLength, d = s.HeadDim, qStride = s.Heads * d, kvStride = s.KvHeads * d;
        var p = new double[tq * tk];
        var dScores = new double[tk];
        for (var b = 0; b < s.Batch; b++)
        for (var h = 0; h < s.Heads; h++)
        {
            Probabilities(p, default, q, k, s, b, h);
            int qBase = s.QueryOffsetOf(b, h), kvBase = s.KvOffset(b, h / s.GroupSize);
            for (var i = 0; i < tq; i++)
            {
                var qi = qBase + i * qStride;
                // dP_ij = dO_i·v_j; dS_ij = P_ij (dP_ij − Σ_l P_il dP_il), the softmax Jacobian.
                double weighted = 0;
                for (var j = 0; j < tk; j++)
                {
                    double dp = 0;
                    for (var c = 0; c < d; c++) dp += (double)dout[qi + c] * v[kvBase + j * kvStride + c];
                    dScores[j] = dp;
                    weighted += p[i * tk + j] * dp;
                }
                for (var j = 0; j < tk; j++)
                {
                    var pij = p[i * tk + j];
                    var ds = pij * (dScores[j] - weighted) * s.Scale;
                    var kj = kvBase + j * kvStride;
                    for (var c = 0; c < d; c++)
                    {
                        dq[qi + c] += (float)(ds * k[kj + c]);
                        dk[kj + c] += (float)(ds * q[qi + c]);
                        dv[kj + c] += (float)(pij * dout[qi + c]);
                    }
                }
            }
        }
    }

    /// <summary>Row-softmax of the scaled causal scores of (b, h) into p (Tq, Tk), zero where masked.</summary>
    static void Probabilities(Span<double> p, Span<float> logSumExp, ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        AttentionShape s, int b, int h)
    {
        int tk = s.KeyLength, d = s.HeadDim;
        int qBase = s.QueryOffsetOf(b, h), kvBase = s.KvOffset(b, h / s.GroupSize);
        for (var i = 0; i < s.QueryLength; i++)
        {
            var row = p.Slice(i * tk, tk);
            var visible = s.QueryOffset + i + 1;
            var max = double.NegativeInfinity;
            for (var j = 0; j < visible; j++)
            {
                double dot = 0;
                for (var c = 0; c < d; c++) dot += (double)q[qBase + i * s.Heads * d + c] * k[kvBase + j * s.KvHeads * d + c];
                row[j] = dot * s.Scale;
                max = Math.Max(max, row[j]);
            }
            double sum = 0;
            for (var j = 0; j < visible; j++)
            {
                row[j] = Math.Exp(row[j] - max);
                sum += row[j];
            }
            for (var j = 0; j < visible; j++) row[j] /= sum;
            row[visible..].Clear();
            if (!logSumExp.IsEmpty) logSumExp[i] = (float)(max + Math.Log(sum));
        }
    }
}
