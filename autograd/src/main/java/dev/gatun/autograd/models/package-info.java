/**
 * Small models for the seed notes' settings, each a {@link dev.gatun.autograd.nn.Module} built from a
 * {@link dev.gatun.autograd.nn.Recurrent} stack and linear heads, time-major like the layers:
 * <ul>
 *   <li>{@link dev.gatun.autograd.models.SequenceClassifier}: many-to-one (the last valid step of each sequence
 *   into a head);</li>
 *   <li>{@link dev.gatun.autograd.models.SequenceGenerator}: one-to-many (a vector sets the initial state, each
 *   output is fed back as the next input);</li>
 *   <li>{@link dev.gatun.autograd.models.SequenceTagger}: many-to-many (a head on every step, optionally
 *   bidirectional, padding-correct);</li>
 *   <li>{@link dev.gatun.autograd.models.Seq2Seq}: encoder-decoder over tokens, teacher forcing in training and
 *   greedy decoding at inference.</li>
 * </ul>
 * Outputs are tape nodes, valid until the tape's next reset.
 */
package dev.gatun.autograd.models;
