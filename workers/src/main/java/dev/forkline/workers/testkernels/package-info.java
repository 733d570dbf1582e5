/**
 * Kernels for testing the process pool ({@code test.echo}, {@code test.sleep}, {@code
 * test.crash}...): registered on every classpath that has the workers module, never used by a
 * pipeline.
 */
package dev.forkline.workers.testkernels;
