/**
 * The outbox relay: rows that a backend inserts into a table of its own PostgreSQL database, in the same transaction as
 * its business write, are pushed to clients through the public {@link io.pushhub.Pusher} API, exactly once to
 * connected clients (docs/outbox.md). Uses only the public API, configuration and counts (ArchitectureTest).
 */
package io.pushhub.relay;
