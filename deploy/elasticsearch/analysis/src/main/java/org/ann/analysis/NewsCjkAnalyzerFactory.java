package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_cjk}: Lucene's CJKAnalyzer (overlapping bigrams of Han, Hiragana, Katakana and Hangul; width normalisation; stop words).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_cjk")
public class NewsCjkAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new CJKAnalyzer();
    }
}
