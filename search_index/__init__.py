"""Full-text search of the catalogue (whoosh + jieba embedded; PostgreSQL full text for scale)."""
