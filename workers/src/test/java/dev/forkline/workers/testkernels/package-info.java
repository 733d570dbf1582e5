/**
 * Kernels for testing the process pool ({@code test.echo}, {@code test.sleep}, {@code
 * test.crash}...): test code, registered by the test class path's own service file, so they are in
 * no jar a user runs.
 */
package dev.forkline.workers.testkernels;
