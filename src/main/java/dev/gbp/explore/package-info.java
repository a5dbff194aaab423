/**
 * The interactive explorer of {@code gbp explore}: what it computes per request and the Jetty server with its
 * JSON API. <b>Internal</b>: the HTTP API is documented in {@link dev.gbp.explore.ExplorerServer} for the page it
 * serves, not as a stable interface; the classes may change without notice.
 */
package dev.gbp.explore;
