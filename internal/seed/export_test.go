package seed

// DropIndexesFrom lets tests drop the indexes for a small seed.
var DropIndexesFrom = &dropIndexesFrom
