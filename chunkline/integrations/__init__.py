"""Adapters for other libraries; each imports its library, so import them only when it is installed.

``chunkline.integrations.langchain``: ``ChunklineTextSplitter``, a LangChain
``TextSplitter`` (extra ``langchain``).  LlamaIndex nodes come from
``Chunk.to_llamaindex()`` (extra ``llamaindex``).
"""
