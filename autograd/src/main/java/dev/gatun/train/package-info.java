/**
 * Training a character-level language model end to end: a {@link dev.gatun.train.Corpus} and its
 * {@link dev.gatun.train.Vocabulary}, the model ({@link dev.gatun.train.CharLm}: embedding, recurrent stack,
 * linear head), truncated-BPTT batches ({@link dev.gatun.train.TbpttBatches}), the
 * {@link dev.gatun.train.Trainer} (Adam, gradient clipping, reproducible for a seed),
 * {@link dev.gatun.train.Checkpoint}s that resume exactly, and a batch-1 streaming
 * {@link dev.gatun.train.Generator} that samples with a temperature.
 *
 * <pre>{@code
 * Corpus corpus = Corpus.of("my text", text);
 * try (Trainer trainer = new Trainer(new CharLm(corpus.vocabulary(), new LmConfig(CellType.LSTM, 64, 256, 2), 1),
 *         corpus, new TrainConfig(64, 32, 3e-3f, 1f, 1000, 1))) {
 *     trainer.run((step, loss) -> {});
 *     Checkpoint.save(Path.of("lm.safetensors"), trainer);
 * }
 * }</pre>
 */
package dev.gatun.train;
