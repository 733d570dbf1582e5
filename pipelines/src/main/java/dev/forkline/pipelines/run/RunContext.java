package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * What a pipeline gets from the runner when it builds its transforms.
 *
 * @param config the validated config
 * @param done with {@code --resume}: keys of inputs an earlier run finished, which must produce no
 *     row (the runner carries their earlier rows over); null otherwise
 * @param scratch a folder inside the output folder for temporary files, on the same filesystem as
 *     the outputs (so a rename into place is atomic) and deleted after the run, or by the next run
 *     if this one is killed
 * @param journal where to journal each element's row the moment it leaves the stages (see {@link
 *     Journal})
 */
public record RunContext(
    ForklineConfig config,
    PCollectionView<Map<String, Boolean>> done,
    Path scratch,
    Journal.Target journal) {}
