using FineTune.Testing;

namespace FineTune.Gateway.Tests;

[CollectionDefinition(RedisFixture.Collection)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>;
