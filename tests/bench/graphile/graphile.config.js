// Graphile Worker in its fastest documented configuration, for the dispatch benchmark.
module.exports = {
  worker: {
    connectionString: process.env.DATABASE_URL,
    taskDirectory: `${__dirname}/tasks`,
    concurrentJobs: 32,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
};
