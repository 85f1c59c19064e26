package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_english}: Lucene's EnglishAnalyzer (standard tokenizer, possessive filter, lowercase, English stop words, Porter stemming).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_english")
public class NewsEnglishAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new EnglishAnalyzer();
    }
}
