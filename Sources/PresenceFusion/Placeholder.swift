// placeholder until real code lands; replaced in this session
