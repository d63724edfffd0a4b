package startup

// MemoryLimit is the soft memory limit the command sets (unless GOMEMLIMIT is set).
const MemoryLimit = 160 << 20

// HeapReserve is how much heap is mapped at start-up with huge pages advised: most of the
// memory limit, so that the largest runs grow into it, and not all of it, so that the
// runtime's scavenger, which keeps retained memory under 95 % of the limit, leaves it alone.
const HeapReserve = MemoryLimit / 20 * 19
