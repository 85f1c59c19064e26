package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_hindi}: Lucene's HindiAnalyzer (Indic normalisation, Hindi stop words and light stemming).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_hindi")
public class NewsHindiAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new HindiAnalyzer();
    }
}
