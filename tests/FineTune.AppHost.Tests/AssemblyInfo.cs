// These specs start whole suites of real servers (RabbitMQ, Redis, Azurite, service processes); run
// side by side on two cores, RabbitMQ's start-up races another's and fails before it is ready.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
