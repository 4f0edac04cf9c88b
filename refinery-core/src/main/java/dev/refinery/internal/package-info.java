/**
 * Helpers of refinery-core's own code (JSON as plain values, error wording, external sort, file
 * trees). Not API: no caller outside refinery-core should depend on them, and they change without
 * notice. The API packages are listed in {@code META-INF/refinery-api-packages.txt};
 * refinery-cli's {@code ApiBoundaryTest} fails when the CLI uses anything else.
 */
package dev.refinery.internal;
